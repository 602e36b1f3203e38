/**
 * What the dashboard shows a principal: the API's RBAC asked without acting.
 * Hiding is a courtesy; the service refuses what the role may not do anyway.
 */
import { authorize, type Permission, type Principal } from "../server/auth/rbac.js";

export function may(principal: Principal, permission: Permission, environment?: string): boolean {
  try {
    authorize(principal, permission, environment);
    return true;
  } catch {
    return false;
  }
}
