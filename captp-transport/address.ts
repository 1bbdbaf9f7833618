// captp-transport/address.ts: where a vat can be dialed (docs/protocol.md §2.8).
// A vat has candidate addresses: `host:port` it listens on (direct), and
// `relay:host:port` for each relay that forwards connections to it. A dialer
// tries them in order; whichever path it takes, TLS pins the VatId end to end.

export interface PeerAddress {
  /** `direct`: dial host:port; `relay`: ask the relay at host:port for a circuit to the vat. */
  via: 'direct' | 'relay';
  host: string;
  port: number;
}

/** At most this many addresses in one reference. */
export const MAX_ADDRESSES = 4;

const RELAY_PREFIX = 'relay:';
const ADDRESS_RE = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]{1,253}):([0-9]{1,5})$/;

/** `host:port` alone, whichever way it is reached. */
export const hostPort = ({ host, port }: PeerAddress): string =>
  `${host.includes(':') ? `[${host}]` : host}:${port}`;
harden(hostPort);

export const formatAddress = (address: PeerAddress): string =>
  `${address.via === 'relay' ? RELAY_PREFIX : ''}${hostPort(address)}`;
harden(formatAddress);

/** Parses one address; the error says what is wrong without quoting the input. */
export const parseAddress = (text: string): PeerAddress => {
  const via = text.startsWith(RELAY_PREFIX) ? 'relay' : 'direct';
  const match = ADDRESS_RE.exec(via === 'relay' ? text.slice(RELAY_PREFIX.length) : text);
  if (!match) {
    throw Error('[bad-address] an address is host:port or relay:host:port');
  }
  const [, rawHost, rawPort] = match as unknown as [string, string, string];
  const port = Number(rawPort);
  if (port < 1 || port > 65535) throw Error(`[bad-address] port ${port} is out of range`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return harden({ via, host, port });
};
harden(parseAddress);

/** Parses a comma-separated list of 1 to MAX_ADDRESSES addresses. */
export const parseAddressList = (text: string): PeerAddress[] => {
  const parts = text.split(',');
  if (parts.length > MAX_ADDRESSES) {
    throw Error(`[bad-address] at most ${MAX_ADDRESSES} addresses, got ${parts.length}`);
  }
  return harden(parts.map(parseAddress));
};
harden(parseAddressList);

export const formatAddressList = (addresses: readonly PeerAddress[]): string =>
  addresses.map(formatAddress).join(',');
harden(formatAddressList);
