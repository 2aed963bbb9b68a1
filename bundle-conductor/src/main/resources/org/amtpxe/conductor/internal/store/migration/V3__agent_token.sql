-- The deploy ramdisk's one-time agent token (after Ironic's agent token): the SHA-256 of the token
-- the first lookup of a node in 'wait call-back' received, and the address that lookup came from.
-- The ramdisk's callback must present the token and come from that address. Both are cleared when
-- the node leaves the deploy (see NodeStore), so a token never outlives its deploy. Only a hash is
-- kept: the token itself is never stored, logged or shown by the API.
ALTER TABLE nodes ADD COLUMN agent_token_hash VARCHAR(64);
ALTER TABLE nodes ADD COLUMN agent_address VARCHAR(64);
