package org.bollwerk.audit;

import org.bollwerk.keys.AuditSigningKey;
import org.bollwerk.storage.Db;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tampering with stored entries — a changed field, a deleted entry, two swapped entries, a truncated tail,
 * a chain rewritten with fresh hashes — is detected by the verify API and by the offline verifier on a new
 * export checked against the export kept from before. Runs on the real database (SQLite or PostgreSQL).
 */
@SpringBootTest(properties = {"bollwerk.server-name=audit.test", "bollwerk.rate-limit.enabled=false"})
class AuditChainIT {
    private static final int ENTRIES = 12;

    @Autowired
    AuditTrail trail;
    @Autowired
    AuditStore store;
    @Autowired
    AuditSigningKey signingKey;
    @Autowired
    Db db;
    @Autowired
    AuditMaintenance maintenance;
    @TempDir
    Path dir;
    Path kept;

    /** A fresh chain of 12 entries, checkpointed at the head and exported: the auditor's copy. */
    @BeforeEach
    void freshChainExportedOnce() throws IOException {
        db.write(() -> {
            db.sql().sql("DELETE FROM admin_audit").update();
            db.sql().sql("DELETE FROM audit_checkpoints").update();
            db.sql().sql("UPDATE audit_chain_head SET seq = 0, entry_id = 0, hash = ?, anchor_seq = 0, anchor_hash = ?")
                    .params(AuditChain.GENESIS, AuditChain.GENESIS).update();
        });
        for (int i = 1; i <= ENTRIES; i++) {
            trail.record("@admin:audit.test", "operator", "PUT /_synapse/admin/v2/users/{userId}", "userId=@u" + i + ":audit.test",
                    i % 2 == 0 ? "acme" : null, "10.0.0." + i, i == 5 ? 403 : 200, i == 3 ? "{\"admin\":true}" : null);
        }
        assertThat(trail.checkpoint()).get().extracting(AuditTrail.Checkpoint::seq).isEqualTo((long) ENTRIES);
        kept = export("kept.jsonl");
        assertThat(cli(kept).code()).isZero();
    }

    @Test
    void anUntouchedChainVerifiesAndTheExportNamesEveryEntryAndTheKey() throws IOException {
        trail.record("@admin:audit.test", "operator", "GET /_bollwerk/admin/v1/audit", null, null, "10.0.0.1", 200);
        assertThat(trail.verify(List.of()).ok()).isTrue();
        Path now = export("now.jsonl");
        List<String> lines = Files.readAllLines(now);
        assertThat(lines).hasSize(1 + ENTRIES + 1 + 1);
        assertThat(lines.getFirst()).contains(signingKey.keyId(), signingKey.publicKeyBase64());
        Cli result = cli(now, kept);
        assertThat(result.code()).as(result.out()).isZero();
        assertThat(result.out()).contains("OK: 13 entries (seq 1..13)", "1 signed checkpoint(s) matched");
    }

    @Test
    void theScheduledTaskSignsTheNewHeadOnceAndTwoRunsAreHarmless() {
        trail.record("@admin:audit.test", "operator", "GET /z", null, null, null, 200);
        maintenance.run();
        maintenance.run();
        assertThat(trail.checkpoints(null, 10)).extracting(AuditTrail.Checkpoint::seq).containsExactly(13L, 12L);
    }

    @Test
    void noCheckpointIsSignedOverABrokenChain() {
        trail.record("@admin:audit.test", "operator", "GET /z", null, null, null, 200);
        db.write(() -> db.sql().sql("UPDATE admin_audit SET action = 'GET /nothing-to-see' WHERE seq = 13").update());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> trail.checkpoint())
                .hasMessageContaining("refusing to sign a checkpoint at seq 13").hasMessageContaining("was altered");
        maintenance.run();
        assertThat(trail.checkpoints(null, 10)).extracting(AuditTrail.Checkpoint::seq).containsExactly(12L);
        assertThat(trail.search(new AuditQuery(null, null, AuditTrail.SYSTEM, "audit.checkpoint", null, "failed", null),
                null, 10)).singleElement().extracting(AuditEntry::detail).asString().contains("refusing");
    }

    @Test
    void aChangedFieldIsDetectedAtThatEntry() throws IOException {
        long id = store.bySeq(7).orElseThrow().id();
        db.write(() -> db.sql().sql("UPDATE admin_audit SET actor = '@mallory:audit.test' WHERE seq = 7").update());
        assertBroken(7, "was altered");
    }

    @Test
    void aChangedFieldWithTheWholeChainRehashedIsCaughtByTheKeptCheckpoint() throws IOException {
        // The attacker has the database (not the signing key): alters entry 4, recomputes every hash after it,
        // moves the head and deletes the stored checkpoints that would give it away.
        db.write(() -> {
            db.sql().sql("UPDATE admin_audit SET outcome = 'ok', status = 200 WHERE seq = 5").update();
            rehashFrom(1);
            db.sql().sql("DELETE FROM audit_checkpoints").update();
        });
        assertThat(trail.verify(List.of()).ok()).as("nothing on the server can tell").isTrue();
        Cli result = cli(export("rewritten.jsonl"), kept);
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).contains("differs from the signed checkpoint", "seq 12");
    }

    @Test
    void aDeletedEntryIsReportedMissing() throws IOException {
        db.write(() -> db.sql().sql("DELETE FROM admin_audit WHERE seq = 6").update());
        assertBroken(6, "entry seq 6 missing");
    }

    @Test
    void twoSwappedEntriesAreDetected() throws IOException {
        db.write(() -> {
            db.sql().sql("UPDATE admin_audit SET seq = -1 WHERE seq = 8").update();
            db.sql().sql("UPDATE admin_audit SET seq = 8 WHERE seq = 9").update();
            db.sql().sql("UPDATE admin_audit SET seq = 9 WHERE seq = -1").update();
        });
        assertBroken(8, "does not link to its predecessor");
    }

    @Test
    void aTruncatedTailIsCaughtByTheCheckpointEvenWhenTheHeadIsMovedBack() throws IOException {
        AuditEntry last = store.bySeq(9).orElseThrow();
        db.write(() -> {
            db.sql().sql("DELETE FROM admin_audit WHERE seq > 9").update();
            db.sql().sql("DELETE FROM audit_checkpoints").update();
            db.sql().sql("UPDATE audit_chain_head SET seq = 9, entry_id = ?, hash = ?").params(last.id(), last.hash()).update();
        });
        assertThat(trail.verify(List.of()).ok()).as("without the kept checkpoint the server cannot tell").isTrue();
        AuditVerifier.Result withKept = trail.verify(checkpointsOf(kept));
        assertThat(withKept.ok()).isFalse();
        assertThat(withKept.brokenSeq()).isEqualTo(10);
        assertThat(withKept.problem()).contains("entries seq 10..12 missing");
        Cli result = cli(export("truncated.jsonl"), kept);
        assertThat(result.code()).isEqualTo(1);
        assertThat(result.out()).contains("entries seq 10..12 missing", "first broken or missing entry: seq 10");
    }

    @Test
    void aTruncatedTailWithTheHeadLeftAloneIsDetectedOnTheServerToo() {
        db.write(() -> db.sql().sql("DELETE FROM admin_audit WHERE seq > 10").update());
        AuditVerifier.Result result = trail.verify(List.of());
        assertThat(result.ok()).isFalse();
        assertThat(result.brokenSeq()).isEqualTo(11);
    }

    @Test
    void aForgedCheckpointFailsItsSignature() throws IOException {
        db.write(() -> db.sql().sql("UPDATE audit_checkpoints SET signed_json = REPLACE(signed_json, '\"seq\":12', '\"seq\":11')")
                .update());
        AuditVerifier.Result result = trail.verify(List.of());
        assertThat(result.ok()).isFalse();
        assertThat(result.problem()).contains("checkpoint at seq 11", "invalid");
    }

    @Test
    void retentionDeletesAPrefixAndLeavesAChainThatStillVerifies() throws IOException {
        // Test setup, not tampering: make the first four entries 40 days old as if recorded then.
        db.write(() -> {
            db.sql().sql("UPDATE admin_audit SET ts = ts - ? WHERE seq <= 4").param(40 * 86_400_000L).update();
            db.sql().sql("DELETE FROM audit_checkpoints").update();
            rehashFrom(1);
        });
        trail.checkpoint();
        Path before = export("before-retention.jsonl");
        assertThat(trail.applyRetention(30)).isEqualTo(4);
        assertThat(trail.applyRetention(30)).as("idempotent").isZero();
        assertThat(store.bySeq(4)).isEmpty();
        AuditVerifier.Result result = trail.verify(List.of());
        assertThat(result.ok()).as(result.problem()).isTrue();
        assertThat(result.firstSeq()).isEqualTo(5);
        assertThat(trail.search(new AuditQuery(null, null, null, "audit.retention", null, null, null), null, 10))
                .singleElement().extracting(AuditEntry::detail).asString().contains("deleted 4 entries");
        Cli result2 = cli(export("after-retention.jsonl"), before);
        assertThat(result2.code()).as(result2.out()).isZero();
        assertThat(result2.out()).contains("OK:");
        // Deleting more of the head than retention allowed is still a gap.
        db.write(() -> db.sql().sql("DELETE FROM admin_audit WHERE seq = 5").update());
        assertThat(trail.verify(List.of()).brokenSeq()).isEqualTo(5);
    }

    @Test
    void rowsRecordedBeforeTheChainExistedAreChainedAtStart() {
        db.write(() -> {
            db.sql().sql("DELETE FROM admin_audit").update();
            db.sql().sql("DELETE FROM audit_checkpoints").update();
            db.sql().sql("UPDATE audit_chain_head SET seq = 0, entry_id = 0, hash = ?").param(AuditChain.GENESIS).update();
            for (int i = 1; i <= 3; i++) {
                db.sql().sql("INSERT INTO admin_audit (id, ts, actor, action, status, outcome) VALUES (?, ?, ?, 'GET /x', 200, 'ok')")
                        .params(100 + i, 1000L * i, "@old" + i + ":audit.test").update();
            }
        });
        new AuditTrail(db, store, signingKey);  // what a start after the migration does
        assertThat(store.bySeq(3).orElseThrow().id()).isEqualTo(103);
        trail.record("@admin:audit.test", "operator", "GET /y", null, null, null, 200);
        assertThat(store.bySeq(4).orElseThrow().id()).isEqualTo(104);
        assertThat(trail.verify(List.of()).ok()).isTrue();
    }

    @Test
    void theVerifierRunsAsItsOwnProcessAndAnswersWithItsExitCode() throws Exception {
        assertThat(process(kept)).isZero();
        db.write(() -> db.sql().sql("DELETE FROM admin_audit WHERE seq = 3").update());
        assertThat(process(export("tampered.jsonl"), kept)).isEqualTo(1);
        assertThat(process(dir.resolve("no-such-file.jsonl"))).isEqualTo(2);
    }

    /** Runs {@link AuditVerifyCli#main} in a separate JVM, as bin/audit-verify does (there from the jar). */
    private int process(Path... files) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), AuditVerifyCli.class.getName()));
        for (Path f : files) command.add(f.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cli-output.txt").toFile()).start();
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }

    // ---- helpers

    private void assertBroken(long seq, String problem) throws IOException {
        AuditVerifier.Result result = trail.verify(List.of());
        assertThat(result.ok()).isFalse();
        assertThat(result.brokenSeq()).isEqualTo(seq);
        assertThat(result.problem()).contains(problem);
        Cli cli = cli(export("tampered.jsonl"), kept);
        assertThat(cli.code()).as(cli.out()).isEqualTo(1);
        assertThat(cli.out()).contains("first broken or missing entry: seq " + seq);
    }

    /** Recomputes prev_hash/hash of every entry from {@code seq} on, as an attacker with the database could. */
    private void rehashFrom(long seq) {
        String prev = seq == 1 ? AuditChain.GENESIS : store.bySeq(seq - 1).orElseThrow().hash();
        AuditEntry last = null;
        for (AuditEntry e : store.chainPage(seq - 1, Long.MAX_VALUE, 10_000)) {
            AuditEntry linked = new AuditEntry(e.id(), e.ts(), e.actor(), e.role(), e.action(), e.target(), e.tenantId(),
                    e.clientIp(), e.status(), e.outcome(), e.detail(), e.seq(), prev, null);
            String hash = AuditChain.hash(linked);
            store.chain(e.id(), e.seq(), prev, hash);
            prev = hash;
            last = e;
        }
        if (last != null) store.moveHead(last.seq(), last.id(), prev);
    }

    private Path export(String name) throws IOException {
        StringWriter out = new StringWriter();
        trail.export(out);
        Path file = dir.resolve(name);
        Files.writeString(file, out.toString());
        return file;
    }

    private static List<tools.jackson.databind.JsonNode> checkpointsOf(Path export) throws IOException {
        return Files.readAllLines(export).stream().filter(l -> l.contains(AuditChain.CHECKPOINT_TYPE))
                .map(l -> (tools.jackson.databind.JsonNode) org.bollwerk.matrix.json.Json.parseObject(
                        l.getBytes(StandardCharsets.UTF_8))).toList();
    }

    record Cli(int code, String out) {
    }

    static Cli cli(Path... files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = java.util.Arrays.stream(files).map(Path::toString).toArray(String[]::new);
        int code = AuditVerifyCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8));
    }
}
