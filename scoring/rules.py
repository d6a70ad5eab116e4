"""Pure domain functions of scoring: plain values in, plain values out; no ORM, no clock."""
