/**
 * Several active nodes on one PostgreSQL database: cross-node wake-ups and messages over PostgreSQL
 * {@code LISTEN/NOTIFY} ({@link org.bollwerk.cluster.ClusterBus}), database leases so a background job runs
 * on one node at a time ({@link org.bollwerk.cluster.JobLease}), the node's identity, and the liveness and
 * readiness endpoints with draining on shutdown. On SQLite (one node) the bus stays local and does nothing.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = {
        "config", "storage"})
package org.bollwerk.cluster;
