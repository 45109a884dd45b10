// What the clinic dashboard (dashboard/) and the family screens (family/) both use: calendar dates as the server
// and the app send them ("2026-11-27"), read as that day's midnight in UTC so no local zone shifts a day.

export function parseDate(iso: string): Date {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1));
}
