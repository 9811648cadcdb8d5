import type { Detected } from '../detected.js';

/** One address of an interface. */
export interface InterfaceAddress {
  family: 'IPv4' | 'IPv6';
  address: string;
  /** Prefix length (`/24`). */
  prefix: number;
}

/** What an interface is and how it is linked (sysfs /sys/class/net/<if>/…). */
export interface InterfaceInfo {
  name: string;
  /** RFC 2863 operstate as the kernel says: up, down, dormant, lowerlayerdown, notpresent, testing, unknown. */
  operstate: string;
  /** Physical link present (`carrier`); absent while the interface is administratively down. */
  carrier?: boolean;
  /** Link up/down transitions since the interface was created (`carrier_changes`). */
  carrierChanges?: number;
  carrierUpCount?: number;
  carrierDownCount?: number;
  /** Link speed; absent with why on virtual NICs and links that are down. */
  speed: Detected<{ mbps: number }>;
  duplex?: string;
  mtu?: number;
  mac?: string;
  /** Backed by a device (a NIC, virtio included), or purely virtual (bridge, veth, tun, lo). */
  kind: 'loopback' | 'device' | 'virtual';
  /** Addresses; absent with why when reading a recorded tree (they come from getifaddrs). */
  addresses: Detected<{ list: InterfaceAddress[] }>;
}

/** Per-second rates of one interface between two /proc/net/dev readings. */
export interface InterfaceRates {
  name: string;
  intervalSeconds: number;
  rxBytesPerSecond: number;
  txBytesPerSecond: number;
  rxPacketsPerSecond: number;
  txPacketsPerSecond: number;
  rxErrorsPerSecond: number;
  txErrorsPerSecond: number;
  rxDroppedPerSecond: number;
  txDroppedPerSecond: number;
}
