// Money arrives in integer minor units with its ISO 4217 currency.
export function formatMoney(minor: number, currency: string): string {
  return new Intl.NumberFormat("en-GB", { style: "currency", currency }).format(minor / 100);
}

/** Minor units as a plain amount, "12.50": what a screen reader hears in a seat's label. */
export function plainAmount(minor: number): string {
  return (minor / 100).toFixed(2);
}
