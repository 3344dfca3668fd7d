/**
 * The audit trail of administrative actions: who did what to which target, when, from which address,
 * and whether it was allowed. Features record; nothing here decides.
 */
@org.springframework.modulith.ApplicationModule(displayName = "Audit trail", allowedDependencies = {
        "cluster", "keys", "storage"})
package org.bollwerk.audit;
