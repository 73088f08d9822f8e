/**
 * The former name of route-table.ts, kept only while opennebula/ and ilo/ still import it (they are
 * being changed elsewhere): point their imports at route-table.js, then delete this file.
 */
export * from "./route-table.js";
