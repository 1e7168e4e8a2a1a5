import type { RequestHandler } from "express";
import { z } from "zod";
import { phoneSearchCore } from "../domain/phone-search.ts";
import type { CustomersStore } from "../store/customers-store.ts";
import { sendError } from "./api-errors.ts";

const SearchBody = z.object({ q: z.string().trim().min(2).max(100) });

/**
 * `POST /v1/customers/search` body `{q}`: by phone when the text is a number (however it is
 * written), else by name. A body, not a query string: a name or number typed here is personal
 * data, and request logs (Cloud Run's, a proxy's) keep URLs.
 */
export function searchCustomers(customers: CustomersStore): RequestHandler {
  return async (req, res) => {
    const query = SearchBody.safeParse(req.body);
    if (!query.success) return sendError(res, 400, "INVALID_REQUEST", "Type at least two characters of a name or a phone number.");
    const core = phoneSearchCore(query.data.q);
    const found = await customers.search(core === undefined ? { by: "name", text: query.data.q } : { by: "phone", core }, 50);
    res.json({ by: core === undefined ? "name" : "phone", customers: found });
  };
}

/** `GET /v1/customers/:customerId`: the current row and its change history, newest first. */
export function customerHistory(customers: CustomersStore): RequestHandler {
  return async (req, res) => {
    const id = z.uuid().safeParse(req.params["customerId"]);
    if (!id.success) return sendError(res, 400, "INVALID_REQUEST", "Invalid customer id.");
    const customer = await customers.get(id.data);
    if (customer === undefined) return sendError(res, 404, "NOT_FOUND", "No such customer.");
    res.json({ customer, changes: await customers.changes(id.data, 200) });
  };
}
