package org.bollwerk.alerts;

import org.bollwerk.ephemeral.ReceiptRecorded;
import org.bollwerk.room.RelationWritten;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Notes reads and acknowledgements as they are written, in the same transaction as the receipt or reaction
 * (so they are exact and never lost): a public read receipt ({@code m.read}) at or after an alert event of
 * the alert room marks that alert read; an acknowledging reaction ({@link AlertMessages#acknowledges}) to the
 * alert or one of its reminders marks it acknowledged. Private receipts are not counted: the user chose not to
 * tell. Both run on the writer, so they are one indexed lookup for events of other rooms.
 */
@Component
class AlertTracking {
    private final AlertStore store;

    AlertTracking(AlertStore store) {
        this.store = store;
    }

    @EventListener
    void reaction(RelationWritten event) {
        if (!"m.annotation".equals(event.relType()) || !AlertMessages.acknowledges(event.key())) return;
        store.alertOfEvent(event.targetEventId())
                .ifPresent(alertId -> store.markAcknowledged(alertId, event.sender(), event.ts()));
    }

    @EventListener
    void receipt(ReceiptRecorded event) {
        if (!"m.read".equals(event.type()) || !store.isAlertRoom(event.roomId())) return;
        store.markRead(event.roomId(), event.userId(), event.eventPosition(), event.ts());
    }
}
