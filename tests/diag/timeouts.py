"""The two time-outs of the Dig and Whois tests: one that must run out, one that must not."""

T = 0.4  # the time-out where the time-out is the subject: short, far above a loopback round trip
OK = 3.0  # the time-out where an answer must come: generous, so a busy machine can't fail a test
