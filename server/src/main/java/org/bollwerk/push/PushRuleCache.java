package org.bollwerk.push;

import org.bollwerk.matrix.push.PushRules;
import org.bollwerk.storage.Db;
import org.bollwerk.userdata.PushRuleService;
import org.bollwerk.userdata.PushRulesChanged;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled push rule sets by user. A message into a room of 1,000 evaluates 999 rule sets; reading and
 * compiling each from the database every time would be most of the cost. A change on this node drops the
 * user's entry after its commit; a change made on another node is seen within {@link #TTL_MS}.
 */
@Component
class PushRuleCache {
    static final long TTL_MS = 30_000;
    private static final int MAX_ENTRIES = 200_000;

    private record Entry(PushRules rules, long loadedAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final PushRuleService ruleService;
    private final Db db;

    PushRuleCache(PushRuleService ruleService, Db db) {
        this.ruleService = ruleService;
        this.db = db;
    }

    PushRules rules(String userId) {
        long now = System.currentTimeMillis();
        Entry entry = entries.get(userId);
        if (entry != null && now - entry.loadedAt() < TTL_MS) return entry.rules();
        PushRules rules = PushRules.compile(ruleService.ruleSet(userId));
        if (entries.size() >= MAX_ENTRIES) entries.clear();
        entries.put(userId, new Entry(rules, now));
        return rules;
    }

    @EventListener
    void on(PushRulesChanged changed) {
        entries.remove(changed.userId());
        // Evaluation may have compiled the old rules again before the change committed.
        db.afterCommit(() -> entries.remove(changed.userId()));
    }
}
