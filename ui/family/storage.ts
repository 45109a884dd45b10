// What settings say about the browser keeping the family's data (the web app only: the desktop app keeps it in a
// file and its backend has no `storage`).
import type { StorageInfo } from './api';

/** A size for a parent: megabytes (or gigabytes from 1000 MB on), in the page's language. */
export function formatBytes(bytes: number, locale: string): string {
  const mb = bytes / 1_000_000;
  const [value, unit] = mb >= 1000 ? [mb / 1000, 'gigabyte'] : [mb, 'megabyte'];
  return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
}

/** The i18n keys and values of settings' storage lines. */
export function storageLines(info: StorageInfo, locale: string): { key: string; vars?: Record<string, string> }[] {
  const lines: { key: string; vars?: Record<string, string> }[] = [{ key: info.persisted ? 'storage.kept' : 'storage.not_kept' }];
  if (info.usage_bytes !== null && info.quota_bytes !== null) {
    lines.push({ key: 'storage.used', vars: { used: formatBytes(info.usage_bytes, locale), quota: formatBytes(info.quota_bytes, locale) } });
  }
  return lines;
}
