/** Generates a Kubespray-style inventory of `n` hosts as INI and YAML text with the same content. */
export declare function generate(n?: number): { ini: string; yaml: string };
