/** A create-only put found the name taken: the object was already written (e.g. a redelivery). */
export class BlobExistsError extends Error {
  readonly bucket: string;
  readonly blobName: string;
  constructor(bucket: string, blobName: string, options?: { cause?: unknown }) {
    super(`Object ${blobName} already exists in ${bucket}.`, options);
    this.name = "BlobExistsError";
    this.bucket = bucket;
    this.blobName = blobName;
  }
}

export class BlobNotFoundError extends Error {
  readonly bucket: string;
  readonly blobName: string;
  constructor(bucket: string, blobName: string, options?: { cause?: unknown }) {
    super(`Object ${blobName} does not exist in ${bucket}.`, options);
    this.name = "BlobNotFoundError";
    this.bucket = bucket;
    this.blobName = blobName;
  }
}

/** A name or prefix that could escape its folder or mean different things on different stores. */
export class UnsafeBlobNameError extends Error {
  constructor(reason: string) {
    super(`Unsafe object name: ${reason}.`);
    this.name = "UnsafeBlobNameError";
  }
}
