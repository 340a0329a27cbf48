// @vitest-environment node
// (Node's own WebCrypto, with Ed25519; the list below was signed by app/tickets/list_signing.py.)
import { describe, expect, it } from "vitest";
import { canonicalJson, codeHash, decide, uploadSentence, verifyList, type CheckinList } from "./offlineDoor";

const listing: CheckinList = {
  showtime_id: 77, cinema_id: 1, screen_id: 3, starts_at: "2026-12-05T19:30:00+00:00",
  ends_at: "2026-12-05T21:45:00+00:00", doors_open_at: "2026-12-05T18:45:00+00:00",
  generated_at: "2026-12-05T18:30:00+00:00", key_id: "k1",
  tickets: [
    { ticket_id: 1, seat: "C7", code_hashes: ["a2da5783733ef9bc409c04e5a78c5655"], status: "valid" },
    { ticket_id: 2, seat: "Loge Ü 2", code_hashes: ["bb32c16f7c9307ac16c7b785ab9f3747"], status: "admitted" },
    { ticket_id: 3, seat: "C9", code_hashes: ["fdb3522398df863dfd3132f0afbb5009"], status: "ticket_cancelled" },
  ],
  signature: "ctVhJoLerLfCcyHWG544iGtzFnnxalWKV3UtsuhHM8y-SehgENP7RrPPcAb31o4PcbJnaSxW2dk1eryhHZIECw",
};
const publicKey = "0oNpBb_BtENdOoSLMO5p2Uhb0oIku2dHUcPwTqkza20";
const hhmm = (iso: string) => iso.slice(11, 16);

describe("the offline check-in list", () => {
  it("writes JSON as Python's json.dumps(sort_keys=True, separators=(',', ':')) does", () => {
    expect(canonicalJson({ b: [1, "Ü"], a: null, c: { z: true, y: "\u2603" } }))
      .toBe('{"a":null,"b":[1,"\\u00dc"],"c":{"y":"\\u2603","z":true}}');
  });

  it("verifies a list the server signed, and refuses it altered or under another key", async () => {
    expect(await verifyList(listing, publicKey)).toBe(true);
    expect(await verifyList({ ...listing, tickets: listing.tickets!.slice(0, 2) }, publicKey)).toBe(false);
    expect(await verifyList({ ...listing, showtime_id: 78 }, publicKey)).toBe(false);
    expect(await verifyList(listing, "AAAA")).toBe(false);
    expect(await verifyList({ ...listing, signature: undefined }, publicKey)).toBe(false);
  });

  it("hashes a code as the list names it", async () => {
    expect(await codeHash("CT1.k1.1-25-9-x.tagA")).toBe("a2da5783733ef9bc409c04e5a78c5655");
  });

  it("admits a valid ticket once, and refuses what the list or the device already knows", () => {
    const inside = new Date("2026-12-05T19:00:00Z");
    const first = decide(listing, "a2da5783733ef9bc409c04e5a78c5655", [], inside, hhmm);
    expect(first).toMatchObject({ admitted: true, text: "Seat C7: admitted offline." });
    const again = decide(listing, "a2da5783733ef9bc409c04e5a78c5655",
      [{ hash: "a2da5783733ef9bc409c04e5a78c5655", scanned_at: "2026-12-05T19:00:00+00:00" }], inside, hhmm);
    expect(again).toMatchObject({ admitted: false, text: "Already scanned at 19:00 on this device." });
    expect(decide(listing, "bb32c16f7c9307ac16c7b785ab9f3747", [], inside, hhmm).text)
      .toBe("Already scanned before the list was downloaded.");
    expect(decide(listing, "fdb3522398df863dfd3132f0afbb5009", [], inside, hhmm).text).toMatch(/^Cancelled/);
    expect(decide(listing, "0".repeat(32), [], inside, hhmm).text).toMatch(/^Not on this show's list/);
    expect(decide(listing, "a2da5783733ef9bc409c04e5a78c5655", [], new Date("2026-12-05T18:00:00Z"), hhmm).text)
      .toBe("Too early: the doors open at 18:45.");
    expect(decide(listing, "a2da5783733ef9bc409c04e5a78c5655", [], new Date("2026-12-05T22:00:00Z"), hhmm).text)
      .toBe("Too late: this show is over.");
  });
});

describe("an upload's report", () => {
  it("names the tickets scanned twice, when and where", () => {
    expect(uploadSentence({
      showtime_id: 77, admitted: [{ ticket_id: 1 } as never, { ticket_id: 4 } as never], refused: [],
      conflicts: [{ ticket_id: 1, winner: { admitted_at: "2026-12-05T19:01:00+00:00" } as never,
        later_scan: { scanned_at: "2026-12-05T19:03:00+00:00", device: "door-3" } }],
    }, hhmm)).toBe("Uploaded: 2 admitted, 0 refused; scanned twice: ticket 1 went in at 19:01 and was scanned again at 19:03 on door-3.");
    expect(uploadSentence({ showtime_id: 77, admitted: [], refused: [], conflicts: [] }, hhmm))
      .toBe("Uploaded: 0 admitted, 0 refused; no ticket scanned twice.");
  });
});
