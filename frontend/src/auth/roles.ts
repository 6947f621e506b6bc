import type { Role } from "../api/types";

/** The app's three areas, each a lazily loaded chunk under its own path. */
export type Area = "asn" | "opd" | "bpsdm";

export const AREA_PATH: Record<Area, string> = { asn: "/saya", opd: "/opd", bpsdm: "/bpsdm" };

// Who may open an area; the API enforces the same rules (a page only shows what the API returns).
export const AREA_ROLES: Record<Area, readonly Role[]> = {
  asn: ["asn"],
  opd: ["opd_admin", "bpsdm_admin", "auditor"],
  bpsdm: ["bpsdm_admin", "auditor"],
};

const HOME: Record<Role, Area> = { asn: "asn", opd_admin: "opd", bpsdm_admin: "bpsdm", auditor: "bpsdm" };

export function isRole(value: string): value is Role {
  return value in HOME;
}

/** Where a user lands after logging in. */
export function homeFor(role: string): string {
  return isRole(role) ? AREA_PATH[HOME[role]] : "/";
}

export function areasFor(role: string): Area[] {
  return (Object.keys(AREA_ROLES) as Area[]).filter((area) => isRole(role) && AREA_ROLES[area].includes(role));
}

/** Pages outside the areas that every role has: the inbox and the password change. */
export const SHARED_PATHS = ["/kotak-masuk", "/kata-sandi"] as const;

/** May this role open that path (used for the "go back where you were" after login)? */
export function canVisit(role: string, path: string): boolean {
  const bare = path.split(/[?#]/)[0];
  if (isRole(role) && (SHARED_PATHS as readonly string[]).includes(bare)) return true;
  return areasFor(role).some((area) => path === AREA_PATH[area] || path.startsWith(`${AREA_PATH[area]}/`));
}
