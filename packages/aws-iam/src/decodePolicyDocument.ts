/**
 * Decodes a policy document as IAM returns it (GetPolicyVersion, Get*Policy, GetRole): JSON text
 * URL-encoded per RFC 3986, which the JavaScript SDK leaves encoded. IAM's docs point to
 * java.net.URLDecoder, which also reads `+` as a space; encoders of either kind write a literal
 * `+` as %2B, so a bare `+` can only be a space.
 *
 * @throws URIError when the text is not valid percent-encoding.
 */
export function decodePolicyDocument(encoded: string): string {
  // Every encoder turns `{` into %7B: text that still has one was decoded already.
  if (encoded.includes("{")) return encoded;
  return decodeURIComponent(encoded.replace(/\+/g, "%20"));
}
