-- The management address each node was enrolled from (bulk enrollment), one node per address.
-- Enrollments that run at once (two operators, two conductors) both find an address free when
-- they start and probe it; the one whose insert comes second hits this key, in the same
-- transaction as its node, and so creates nothing. A node's deletion releases its address.
CREATE TABLE enrolled_addresses (
  address VARCHAR(255) NOT NULL,
  node_uuid VARCHAR(36) NOT NULL,
  CONSTRAINT uniq_enrolled_addresses PRIMARY KEY (address),
  CONSTRAINT fk_enrolled_addresses_node FOREIGN KEY (node_uuid) REFERENCES nodes (uuid) ON DELETE CASCADE
);

CREATE INDEX enrolled_addresses_node_idx ON enrolled_addresses (node_uuid);
