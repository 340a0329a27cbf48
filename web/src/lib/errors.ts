// Every refusal as a sentence a customer understands: the reasons a customer meets get their
// own wording; any other keeps the API's message, which is already a sentence.
import type { ApiError, Reason } from "@/api/types";

const SENTENCES: Partial<Record<Reason, string>> = {
  invalid_credentials: "That e-mail address and password do not match an account.",
  email_taken: "An account with this e-mail address already exists. Log in or reset your password.",
  weak_password: "Choose a longer password: at least 10 characters, with a letter and a digit or symbol.",
  account_inactive: "This account has been disabled. Please contact the cinema.",
  authentication_required: "Please log in first.",
  token_expired: "Your session has ended. Please log in again.",
  token_revoked: "Your session has ended. Please log in again.",
  link_expired: "This link has expired or was already used. Ask for a new one.",
  seats_taken: "Someone else has just taken one of these seats. The map has been refreshed: please choose again.",
  seats_sold: "One of these seats has just been sold. The map has been refreshed: please choose again.",
  seats_blocked: "One of these seats cannot be sold. Please choose another.",
  single_seat_gap: "Your choice would leave a single empty seat. Move your seats so no lone seat is left.",
  too_many_seats: "That is more seats than one booking may hold.",
  no_seats: "Choose at least one seat.",
  hold_expired: "Your seats were held for too long and have been released. Please choose them again.",
  hold_time_up: "You have held seats too often in a short time. Please wait a moment and try again.",
  showtime_started: "This showing has already started.",
  showtime_cancelled: "This showing has been cancelled.",
  booking_expired: "This booking waited too long for payment and has expired.",
  card_declined: "Your card was declined. Try another card.",
  insufficient_funds: "Your card was declined for insufficient funds. Try another card.",
  expired_card: "Your card has expired. Try another card.",
  incorrect_cvc: "The card's security code is wrong.",
  processing_error: "The payment could not be processed. Please try again.",
  payment_declined: "The payment was declined. Try another card.",
  refund_cutoff_passed: "It is too close to the showing to cancel with a refund.",
  promo_unknown: "We do not know this promo code.",
  promo_expired: "This promo code has expired.",
  promo_used_up: "This promo code has been used up.",
  rate_limited: "Too many attempts in a short time. Please wait a moment and try again.",
  forbidden: "Your account may not do this.",
  cinema_not_assigned: "You do not work at this cinema, so you may not do this here.",
  shift_already_open: "You already have a shift open at this cinema. Carry on with it or cash it up first.",
  shift_closed: "This shift has been cashed up. Open a new shift to sell.",
  shift_not_yours: "This till is another staff member's shift.",
  tender_too_small: "The cash tendered does not cover the total.",
  tender_incomplete: "Enter the amount tendered for cash, or the terminal's reference for a card payment.",
  not_found: "We could not find what you asked for.",
  precondition_failed: "Someone else changed this while you were editing it. Open it again to see their change, then make yours.",
  promo_exists: "A promo code with these letters already exists. Choose another code or edit the existing one.",
  showtime_has_bookings: "This showing has bookings, so it keeps its screen and film. You may still change its time.",
  starts_in_past: "A showing must start in the future.",
  database_unavailable: "CinemaOS is briefly unavailable. Please try again in a moment.",
  redis_unavailable: "CinemaOS is briefly unavailable. Please try again in a moment.",
};

export const NETWORK_ERROR = "We could not reach CinemaOS. Check your connection and try again.";

export function sentence(error: unknown): string {
  if (error === undefined || error === null) return NETWORK_ERROR;
  const body = error as Partial<ApiError>;
  if (body.reason && SENTENCES[body.reason]) return SENTENCES[body.reason] as string;
  if (body.code === 422 && body.errors) return "Some of the details are not valid: " + fieldProblems(body.errors);
  if (body.message) return body.message.endsWith(".") ? body.message : `${body.message}.`;
  return "Something went wrong. Please try again.";
}

function fieldProblems(errors: Record<string, unknown>): string {
  const flat: string[] = [];
  const walk = (value: unknown, name: string): void => {
    if (Array.isArray(value)) value.forEach((item) => (typeof item === "string" ? flat.push(`${name}: ${item}`) : walk(item, name)));
    else if (value && typeof value === "object") Object.entries(value).forEach(([key, inner]) => walk(inner, key));
  };
  walk(errors, "");
  return flat.join("; ") || "please check the form.";
}
