import { decodeEntities } from "../xml/entities.js";
import { parseXmlDocument, parseXmlRange, type RawXmlObject } from "../xml/parse.js";

/**
 * A long XML-RPC string left as it stands in the response body (still escaped), so that a pool
 * document can be parsed straight from the envelope without first building the unescaped copy.
 */
export class EscapedXmlText {
  constructor(
    readonly source: string,
    readonly start: number,
    readonly end: number,
  ) {}

  /** The decoded string. */
  toString(): string {
    const text = decodeEntities(this.source, this.start, this.end);
    return text.includes("\r") ? text.replace(/\r\n?/g, "\n") : text;
  }

  /**
   * Parses the XML document this string holds. The fast path reads the escaped text directly;
   * anything it does not take (markup behind character references, CR, attributes, malformed
   * input) is parsed again from the decoded string, which also gives errors their line and
   * column in the document.
   */
  parseDocument(): RawXmlObject {
    const { source, start, end } = this;
    // Raw CR must be normalised (the exact path does); character references the fast path checks.
    const cr = source.indexOf("\r", start);
    if (cr === -1 || cr >= end) {
      try {
        return parseXmlRange(source, start, end, true);
      } catch {
        // fall through: the slow path reports the error precisely
      }
    }
    return parseXmlDocument(this.toString());
  }
}
