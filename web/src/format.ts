/** Money, sizes and times as the console shows them. */
export { formatBytes } from '../../lib/format';

const moneyFormats = new Map<string, Intl.NumberFormat>();

/** Integer cents in the order's currency (the shop's prices are in USD unless an order says otherwise). */
export function money(cents: number, currency = 'USD'): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    moneyFormats.set(currency, format);
  }
  return format.format(cents / 100);
}

export const timeOfDay = (date: Date): string =>
  date.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const dateTime = (iso: string): string =>
  new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
