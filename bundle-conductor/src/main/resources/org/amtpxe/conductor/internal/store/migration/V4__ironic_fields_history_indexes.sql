-- The node fields Ironic's API added up to 1.78 that an operator may set, the node history (API
-- 1.78), and the indexes the API's filters and paging use.
ALTER TABLE nodes ADD COLUMN description TEXT;
ALTER TABLE nodes ADD COLUMN owner VARCHAR(255);
ALTER TABLE nodes ADD COLUMN lessee VARCHAR(255);
ALTER TABLE nodes ADD COLUMN resource_class VARCHAR(80);
ALTER TABLE nodes ADD COLUMN conductor_group VARCHAR(255) DEFAULT '' NOT NULL;
ALTER TABLE nodes ADD COLUMN retired BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE nodes ADD COLUMN retired_reason TEXT;
-- "protected" is a reserved word in some databases: the column is is_protected.
ALTER TABLE nodes ADD COLUMN is_protected BOOLEAN DEFAULT FALSE NOT NULL;
ALTER TABLE nodes ADD COLUMN protected_reason TEXT;
ALTER TABLE nodes ADD COLUMN automated_clean BOOLEAN;

-- Keyset paging in the default order (created_at, uuid), and the filters.
CREATE INDEX nodes_created_at_idx ON nodes (created_at, uuid);
CREATE INDEX nodes_driver_idx ON nodes (driver);
CREATE INDEX nodes_maintenance_idx ON nodes (maintenance);
CREATE INDEX nodes_owner_idx ON nodes (owner);
CREATE INDEX nodes_conductor_group_idx ON nodes (conductor_group);
CREATE INDEX ports_created_at_idx ON ports (created_at, uuid);

-- What happened to a node, in the same transaction as the change it records.
CREATE TABLE node_history (
  uuid VARCHAR(36) NOT NULL PRIMARY KEY,
  node_uuid VARCHAR(36) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  severity VARCHAR(16) NOT NULL,
  event_type VARCHAR(64) NOT NULL,
  event TEXT NOT NULL,
  conductor VARCHAR(255),
  user_name VARCHAR(255),
  CONSTRAINT fk_node_history_node FOREIGN KEY (node_uuid) REFERENCES nodes (uuid) ON DELETE CASCADE
);

CREATE INDEX node_history_node_idx ON node_history (node_uuid, created_at, uuid);
