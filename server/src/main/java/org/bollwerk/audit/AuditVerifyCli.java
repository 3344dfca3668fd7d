package org.bollwerk.audit;

import org.bollwerk.matrix.MatrixException;
import org.bollwerk.matrix.json.Json;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Verifies an audit export offline, without a server or database: {@code bin/audit-verify export.jsonl
 * [kept.jsonl ...]}. Further files (earlier exports, or checkpoint lines kept elsewhere) add their signed
 * checkpoints, which then must match the export too — that is how a truncated or rewritten log is caught.
 * {@code --key ed25519:ID=BASE64} pins the public key instead of trusting the files' headers.
 * Exit code 0: intact; 1: broken (the first broken or missing entry is printed); 2: unusable input.
 */
public final class AuditVerifyCli {
    private AuditVerifyCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Broken input found while reading, reported like a broken chain (exit code 1). */
    private static final class BrokenFile extends RuntimeException {
        BrokenFile(String message) {
            super(message);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> pinned = new LinkedHashMap<>();
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--key") && i + 1 < args.length) {
                String[] parts = args[++i].split("=", 2);
                if (parts.length != 2 || !parts[0].startsWith("ed25519:")) {
                    err.println("--key wants ed25519:ID=BASE64, got " + args[i]);
                    return 2;
                }
                pinned.put(parts[0], parts[1]);
            } else if (args[i].startsWith("-")) {
                err.println("Usage: audit-verify [--key ed25519:ID=BASE64]... <export.jsonl> [kept-checkpoints.jsonl ...]");
                return 2;
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            err.println("Usage: audit-verify [--key ed25519:ID=BASE64]... <export.jsonl> [kept-checkpoints.jsonl ...]");
            return 2;
        }
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                err.println("Cannot read " + file);
                return 2;
            }
        }
        try {
            return verify(files, pinned, out);
        } catch (BrokenFile e) {
            out.println("BROKEN: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            err.println("Cannot read the export: " + e.getCause().getMessage());
            return 2;
        }
    }

    private static int verify(List<Path> files, Map<String, String> pinned, PrintStream out) {
        Path export = files.getFirst();
        ObjectNode header = header(export);
        String signer = header.path("server_name").asString("");
        Map<String, String> keys = new LinkedHashMap<>(pinned);
        List<JsonNode> checkpoints = new ArrayList<>();
        for (Path file : files) {
            forEachLine(file, (line, n) -> {
                String type = line.path("type").asString("");
                if (type.equals(AuditChain.CHECKPOINT_TYPE)) checkpoints.add(line);
                if (type.equals(AuditChain.EXPORT_TYPE) && pinned.isEmpty()) {
                    for (Map.Entry<String, JsonNode> k : line.path("public_keys").properties()) {
                        String known = keys.putIfAbsent(k.getKey(), k.getValue().asString(""));
                        if (known != null && !known.equals(k.getValue().asString(""))) {
                            throw new BrokenFile(file + " names another public key for " + k.getKey()
                                    + " than an earlier file: the signing key was replaced");
                        }
                    }
                }
            });
        }
        JsonNode anchorJson = header.path("anchor");
        AuditVerifier.Anchor anchor = new AuditVerifier.Anchor(anchorJson.path("seq").asLong(0),
                anchorJson.path("hash").asString(AuditChain.GENESIS));
        AuditVerifier.Result result;
        try (EntryLines entries = new EntryLines(export)) {
            result = new AuditVerifier(signer, keys).verify(anchor, entries, checkpoints);
        }
        long headSeq = header.path("head").path("seq").asLong(-1);
        if (result.ok() && headSeq >= 0 && headSeq != result.lastSeq()) {
            out.println("BROKEN: the export's head names seq " + headSeq + " but its entries end at seq " + result.lastSeq());
            out.println("first broken or missing entry: seq " + (result.lastSeq() + 1));
            return 1;
        }
        result.notes().forEach(note -> out.println("note: " + note));
        if (!result.ok()) {
            out.println("BROKEN: " + result.problem());
            out.println("first broken or missing entry: seq " + result.brokenSeq()
                    + (result.brokenId() == null ? "" : " (id " + result.brokenId() + ")"));
            return 1;
        }
        out.println("OK: " + result.entries() + " entries" + (result.entries() > 0 ? " (seq " + result.firstSeq() + ".."
                + result.lastSeq() + ")" : "") + " intact, " + result.checkpointsMatched()
                + " signed checkpoint(s) matched, signer " + signer + " " + keys.keySet());
        return 0;
    }

    private static ObjectNode header(Path export) {
        try (BufferedReader reader = Files.newBufferedReader(export, StandardCharsets.UTF_8)) {
            String first = reader.readLine();
            ObjectNode header = first == null ? null : parse(first, export, 1);
            if (header == null || !AuditChain.EXPORT_TYPE.equals(header.path("type").asString(""))) {
                throw new BrokenFile(export + " does not start with a " + AuditChain.EXPORT_TYPE + " header line");
            }
            return header;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private interface LineHandler {
        void accept(ObjectNode line, long number);
    }

    private static void forEachLine(Path file, LineHandler handler) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            long n = 0;
            while ((text = reader.readLine()) != null) {
                n++;
                if (!text.isBlank()) handler.accept(parse(text, file, n), n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode parse(String text, Path file, long n) {
        try {
            return Json.parseObject(text.getBytes(StandardCharsets.UTF_8));
        } catch (MatrixException e) {
            throw new BrokenFile(file + " line " + n + " is not a JSON object: " + e.getMessage());
        }
    }

    /** The export's entry lines in file order, read lazily (exports can be large). */
    private static final class EntryLines implements Iterator<ObjectNode>, AutoCloseable {
        private final Path file;
        private final BufferedReader reader;
        private ObjectNode next;
        private long number;

        EntryLines(Path file) {
            this.file = file;
            try {
                this.reader = Files.newBufferedReader(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public boolean hasNext() {
            try {
                while (next == null) {
                    String text = reader.readLine();
                    if (text == null) return false;
                    number++;
                    if (text.isBlank()) continue;
                    ObjectNode line = parse(text, file, number);
                    if (AuditChain.ENTRY_TYPE.equals(line.path("type").asString(""))) next = line;
                }
                return true;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public ObjectNode next() {
            if (!hasNext()) throw new NoSuchElementException();
            ObjectNode line = next;
            next = null;
            return line;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
