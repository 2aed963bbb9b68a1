-- The conductors sharing this database (Ironic's conductors table): each registers on start and
-- heartbeats; one is alive while its heartbeat is fresh. The times are the database's own clock
-- (CURRENT_TIMESTAMP), so conductors on hosts whose clocks differ still agree on who is alive.
CREATE TABLE conductors (
  hostname VARCHAR(255) NOT NULL PRIMARY KEY,
  api_url VARCHAR(1024) NOT NULL,
  drivers TEXT NOT NULL,
  conductor_group VARCHAR(255) DEFAULT '' NOT NULL,
  online BOOLEAN NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL,
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL
);
