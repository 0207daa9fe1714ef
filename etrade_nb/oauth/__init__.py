"""OAuth 1.0a primitives, no network I/O: HMAC-SHA1 signing in the header, request and access
tokens with E*TRADE's lifetimes (5 min; 2 h idle; midnight US Eastern), reading a pasted
verification code, and the one log filter that masks OAuth fields in library DEBUG lines.
"""
