/** What the real portal shows during its maintenance windows, for every page and API. */
export const MAINTENANCE_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Scheduled maintenance · Qashier</title></head>
<body>
<main>
<h1>Scheduled maintenance</h1>
<p>Qashier is undergoing scheduled maintenance. Please try again later.</p>
</main>
</body>
</html>
`;
