// A request as its handler gets it: the route it matched (with typed path parameters), its query
// as the route's schema gave it, and who is asking (auth/guard.ts).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Access } from "../auth/guard.js";
import type { MatchedRoute, QueryOf, RouteName } from "./routes.js";

export interface RequestContext<N extends RouteName = RouteName> extends Access {
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  route: MatchedRoute<N>;
  /** The query parameters, as the route's schema gave them (an API route's: bounded only). */
  query: QueryOf<N>;
}

export type Handler<N extends RouteName> = (ctx: RequestContext<N>) => Promise<void> | void;

/** A handler for every route of the table: a route without one does not compile. */
export type Handlers = { [N in RouteName]: Handler<N> };
