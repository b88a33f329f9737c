package sigmagpt.bench;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.bson.BsonEncoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * With {@code BENCH_DB_PROFILE=1}: the CPU time the database spends in each kind of command
 * ({@code find:chats}, {@code update:messages} …), measured on the thread that runs it, and the
 * bytes of its requests and answers (what the wire layer decodes and encodes around it), so a
 * phase can name which of a server's commands cost the database most. The command
 * {@code {benchProfile: 1}} answers the totals since the last such command and starts again.
 * Off by default: reading a thread's CPU time is a system call per command.
 */
final class CommandProfile {
  static final boolean ENABLED = "1".equals(System.getenv("BENCH_DB_PROFILE"));
  static final String COMMAND = "benchProfile";

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** Per kind: commands seen, CPU nanoseconds spent in them, bytes asked and answered. */
  private record Totals(LongAdder count, LongAdder cpuNanos, LongAdder bytesIn, LongAdder bytesOut) {}

  private static final Map<String, Totals> TOTALS = new ConcurrentHashMap<>();

  /** Each thread's CPU clock ticks at the last report, by its task id. */
  private static final Map<Long, Long> THREAD_CPU_AT_REPORT = new ConcurrentHashMap<>();

  private CommandProfile() {}

  static long threadCpuNanos() {
    return THREADS.getCurrentThreadCpuTime();
  }

  static void record(String command, Document query, Document answer, long startedCpuNanos) {
    long spent = threadCpuNanos() - startedCpuNanos;
    Object collection = query.get(command);
    String kind = collection instanceof String name ? command + ":" + name : command;
    Totals totals =
        TOTALS.computeIfAbsent(
            kind, k -> new Totals(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()));
    totals.count().increment();
    totals.cpuNanos().add(spent);
    totals.bytesIn().add(bsonBytes(query));
    if (answer != null) totals.bytesOut().add(bsonBytes(answer));
  }

  private static int bsonBytes(Document document) {
    ByteBuf buffer = Unpooled.buffer();
    try {
      BsonEncoder.encodeDocument(document, buffer);
      return buffer.readableBytes();
    } catch (RuntimeException e) {
      return 0;
    } finally {
      buffer.release();
    }
  }

  /**
   * {@code {ok: 1, commands: [{kind, count, cpuMs, bytesIn, bytesOut}]}}, costliest first; then
   * starts afresh.
   */
  static Document takeReport() {
    List<Document> rows = new ArrayList<>();
    for (String kind : List.copyOf(TOTALS.keySet())) {
      Totals totals = TOTALS.remove(kind);
      if (totals == null) continue;
      rows.add(
          new Document("kind", kind)
              .append("count", totals.count().sum())
              .append("cpuMs", totals.cpuNanos().sum() / 1e6)
              .append("bytesIn", totals.bytesIn().sum())
              .append("bytesOut", totals.bytesOut().sum()));
    }
    rows.sort((a, b) -> Double.compare((Double) b.get("cpuMs"), (Double) a.get("cpuMs")));
    return new Document("ok", 1.0).append("commands", rows).append("threads", threadCpuSinceReport());
  }

  /**
   * The CPU each group of threads took since the last report, costliest first: the netty event
   * loops that decode and encode the wire messages, the collector, the JIT compilers. Read from
   * {@code /proc/self/task} (Linux; clock ticks, so 10 ms steps), which also lists the JVM's own
   * threads; grouped by name without its trailing number.
   */
  private static List<Document> threadCpuSinceReport() {
    Map<String, Double> byGroup = new java.util.TreeMap<>();
    java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
    for (java.io.File task : tasks == null ? new java.io.File[0] : tasks) {
      try {
        String stat = java.nio.file.Files.readString(task.toPath().resolve("stat"));
        int close = stat.lastIndexOf(')');
        String name = stat.substring(stat.indexOf('(') + 1, close);
        String[] fields = stat.substring(close + 2).split(" ");
        // utime and stime: fields 14 and 15 of the line, 12 and 13 after the name.
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        Long before = THREAD_CPU_AT_REPORT.put(Long.parseLong(task.getName()), ticks);
        String group = name.replaceAll("[-#\\s]*\\d+$", "");
        byGroup.merge(group, (ticks - (before == null ? 0 : before)) * 10.0, Double::sum);
      } catch (java.io.IOException | RuntimeException e) {
        // A thread that ended while being read.
      }
    }
    List<Document> rows = new ArrayList<>();
    byGroup.forEach((group, ms) -> rows.add(new Document("name", group).append("cpuMs", ms)));
    rows.sort((a, b) -> Double.compare((Double) b.get("cpuMs"), (Double) a.get("cpuMs")));
    return rows;
  }
}
