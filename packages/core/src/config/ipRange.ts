import { BlockList, isIP } from "node:net";

/**
 * One `sourceIp` value: an IPv4 or IPv6 address, or a CIDR block of either. Undefined when the text is
 * neither, so that the configuration can name the key; a bare address is its own /32 or /128.
 */
export function parseIpRange(text: string): { network: string; prefix: number; family: "ipv4" | "ipv6" } | undefined {
  const [network = "", prefixText, ...rest] = text.split("/");
  const version = isIP(network);
  if (version === 0 || rest.length > 0) return undefined;
  const family = version === 4 ? "ipv4" : "ipv6";
  const bits = version === 4 ? 32 : 128;
  if (prefixText === undefined) return { network, prefix: bits, family };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > bits) return undefined;
  return { network, prefix: Number(prefixText), family };
}

/**
 * The address ranges of an ignore entry. CloudTrail's sourceIPAddress is not always an address: a
 * service acting for a principal is named instead (`cloudformation.amazonaws.com`), which is in no range.
 */
export class IpRanges {
  readonly #list = new BlockList();

  /** @param texts already validated by parseIpRange (the configuration refuses anything else). */
  constructor(texts: readonly string[]) {
    for (const text of texts) {
      const range = parseIpRange(text);
      if (range) this.#list.addSubnet(range.network, range.prefix, range.family);
    }
  }

  has(sourceIPAddress: string | undefined): boolean {
    if (sourceIPAddress === undefined) return false;
    const version = isIP(sourceIPAddress);
    return version !== 0 && this.#list.check(sourceIPAddress, version === 4 ? "ipv4" : "ipv6");
  }
}
