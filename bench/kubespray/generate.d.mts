/** Generates a Kubespray-style inventory of `n` hosts as INI and YAML text with the same content; with
 * `anchors`, the YAML uses anchors, aliases, merge keys and block scalars. */
export declare function generate(n?: number, options?: { anchors?: boolean }): { ini: string; yaml: string };
