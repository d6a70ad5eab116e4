"""Pure domain functions of funds: plain values in, plain values out; no ORM, no clock."""
