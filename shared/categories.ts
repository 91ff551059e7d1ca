// The six inspection categories the city directive asks every unit to check.

export const CATEGORIES = [
  "lan",
  "equipment",
  "online_app",
  "shared_software",
  "website",
  "datacenter",
] as const;

export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}
