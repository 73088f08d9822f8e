/** XML's five predefined entities, by name (the emulator's RIBCL and OpenNebula XML readers). */
export const XML_ENTITIES: Readonly<Record<string, string>> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};
