"""Pure domain functions of reporting: plain values in, plain values out; no ORM, no clock."""
