import type { RequestHandler } from "express";
import { z } from "zod";
import type { PortalConfig } from "../portal-config.ts";
import { PortalConfigPatch } from "../portal-config.ts";
import type { PortalState } from "../portal-state.ts";

/** The configuration without the password: tests can read it back, logs never see the secret. */
function visible(config: PortalConfig) {
  const { password: _password, ...rest } = config;
  return rest;
}

/** `POST /__admin/config`: end-to-end tests break or heal the portal while a run is in flight. */
export function updateConfigHandler(state: PortalState): RequestHandler {
  return (req, res) => {
    const patch = PortalConfigPatch.safeParse(req.body);
    if (!patch.success) {
      res.status(400).json({ error: z.prettifyError(patch.error) });
      return;
    }
    res.json(visible(state.update(patch.data)));
  };
}

export function readConfigHandler(state: PortalState): RequestHandler {
  return (_req, res) => {
    res.json(visible(state.config));
  };
}
