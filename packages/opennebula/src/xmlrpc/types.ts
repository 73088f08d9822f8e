/**
 * XML-RPC values as JavaScript values:
 * `<int>`/`<i4>` → number; `<i8>`/`<ex:i8>` → number when it is a safe integer, else bigint;
 * `<boolean>` → boolean; `<double>` → number; `<string>` or untyped → string;
 * `<dateTime.iso8601>` → Date (UTC when no offset is given); `<base64>` → Uint8Array;
 * `<nil/>`/`<ex:nil/>` → null; `<array>` → array; `<struct>` → plain object.
 */
export type XmlRpcValue =
  | number
  | bigint
  | boolean
  | string
  | Date
  | Uint8Array
  | null
  | XmlRpcValue[]
  | XmlRpcStruct;

export interface XmlRpcStruct {
  [member: string]: XmlRpcValue;
}

/** A decoded `<methodResponse>`: either its one param or its fault. */
export type XmlRpcResponse =
  | { kind: "params"; value: XmlRpcValue }
  | { kind: "fault"; faultCode: number; faultString: string };

/** A decoded `<methodCall>`. */
export interface XmlRpcCall {
  methodName: string;
  params: XmlRpcValue[];
}
