-- Why the conductor itself put a node into maintenance (Ironic's node.fault): 'power failure'
-- when the power sync could not read the node's power state several times in a row. Only such
-- nodes are taken out of maintenance again by the conductor; an operator's change of the
-- maintenance flag or reason clears it.
ALTER TABLE nodes ADD COLUMN fault VARCHAR(64);
