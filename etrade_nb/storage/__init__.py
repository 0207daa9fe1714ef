"""What outlives a kernel: the access-token cache (0600 files in a 0700 directory, memory, or
none) and the consumer credentials file.
"""
