package org.bollwerk.delayed;

import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Every node looks for due delayed events each {@code bollwerk.delayed-events.check-interval}; the claim in
 * {@link DelayedEvents} makes sure each is sent by exactly one of them. Scheduled events survive a restart
 * because they live only in the database; ones that fell due while every node was down are sent on start.
 */
@Component
class DelayedEventTimer {
    private final DelayedEvents delayed;

    DelayedEventTimer(DelayedEvents delayed) {
        this.delayed = delayed;
    }

    @Scheduled(fixedDelayString = "${bollwerk.delayed-events.check-interval:1s}",
            initialDelayString = "${bollwerk.delayed-events.check-interval:1s}")
    void sendDue() {
        delayed.sendDue();
    }
}
