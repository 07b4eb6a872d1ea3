"""Every write on events, one module per seam: `organizing` (create, edit, cancel), `rsvp`
(RSVPs and the waitlist) and `checkin` (check-in, privacy on the list, the calendar
subscription and thank-you notes)."""
