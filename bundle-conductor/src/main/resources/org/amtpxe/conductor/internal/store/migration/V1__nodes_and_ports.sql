-- Nodes and their ports. Portable between H2 2.x and PostgreSQL 12+: JSON documents are TEXT,
-- timestamps carry their offset, names are unquoted lower-case identifiers.
CREATE TABLE nodes (
  uuid VARCHAR(36) NOT NULL PRIMARY KEY,
  name VARCHAR(255),
  driver VARCHAR(255) NOT NULL,
  driver_info TEXT NOT NULL,
  driver_internal_info TEXT NOT NULL,
  instance_info TEXT NOT NULL,
  properties TEXT NOT NULL,
  extra TEXT NOT NULL,
  instance_uuid VARCHAR(36),
  power_state VARCHAR(32),
  target_power_state VARCHAR(32),
  provision_state VARCHAR(32) NOT NULL,
  target_provision_state VARCHAR(32),
  last_error TEXT,
  maintenance BOOLEAN NOT NULL,
  maintenance_reason TEXT,
  reservation VARCHAR(255),
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE,
  provision_updated_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT uniq_nodes_name UNIQUE (name),
  CONSTRAINT uniq_nodes_instance_uuid UNIQUE (instance_uuid)
);

CREATE INDEX nodes_provision_state_idx ON nodes (provision_state);
CREATE INDEX nodes_reservation_idx ON nodes (reservation);

CREATE TABLE ports (
  uuid VARCHAR(36) NOT NULL PRIMARY KEY,
  address VARCHAR(17) NOT NULL,
  node_uuid VARCHAR(36) NOT NULL,
  pxe_enabled BOOLEAN NOT NULL,
  extra TEXT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE,
  CONSTRAINT uniq_ports_address UNIQUE (address),
  CONSTRAINT fk_ports_node FOREIGN KEY (node_uuid) REFERENCES nodes (uuid) ON DELETE CASCADE
);

CREATE INDEX ports_node_uuid_idx ON ports (node_uuid);
