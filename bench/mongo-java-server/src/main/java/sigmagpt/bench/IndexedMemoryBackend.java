package sigmagpt.bench;

import de.bwaldvogel.mongo.backend.CollectionOptions;
import de.bwaldvogel.mongo.backend.CursorRegistry;
import de.bwaldvogel.mongo.backend.DatabaseResolver;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryCollection;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.oplog.Oplog;
import io.netty.channel.Channel;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * mongo-java-server's memory backend with its non-unique indexes kept ({@link EqualityIndex})
 * instead of ignored, used by finds, updates and deletes, and by an aggregation that starts with a
 * {@code $match} (the library's aggregations otherwise always read the whole collection).
 */
final class IndexedMemoryBackend extends MemoryBackend {
  @Override
  public MemoryDatabase openOrCreateDatabase(String databaseName) {
    return new Database(databaseName, getCursorRegistry());
  }

  /** The leading {@code $match} of the aggregation this thread is running, and its collection. */
  private record LeadingMatch(String collection, Document match) {}

  private static final ThreadLocal<LeadingMatch> LEADING_MATCH = new ThreadLocal<>();

  private static final class Database extends MemoryDatabase {
    Database(String databaseName, CursorRegistry cursorRegistry) {
      super(databaseName, cursorRegistry);
    }

    @Override
    protected MemoryCollection openOrCreateCollection(
        String collectionName, CollectionOptions options) {
      return new Collection(this, collectionName, options, cursorRegistry);
    }

    @Override
    protected Index<Integer> openOrCreateSecondaryIndex(
        String collectionName, String indexName, List<IndexKey> keys, boolean sparse) {
      return EqualityIndex.canServe(keys)
          ? new EqualityIndex(indexName, keys, sparse)
          : super.openOrCreateSecondaryIndex(collectionName, indexName, keys, sparse);
    }

    @Override
    public Document handleCommand(
        Channel channel,
        String command,
        Document query,
        DatabaseResolver resolver,
        Oplog oplog) {
      if (CommandProfile.ENABLED && CommandProfile.COMMAND.equals(command))
        return CommandProfile.takeReport();
      if (!CommandProfile.ENABLED) return handleIndexed(channel, command, query, resolver, oplog);
      long started = CommandProfile.threadCpuNanos();
      Document answer = null;
      try {
        answer = handleIndexed(channel, command, query, resolver, oplog);
        return answer;
      } finally {
        CommandProfile.record(command, query, answer, started);
      }
    }

    private Document handleIndexed(
        Channel channel,
        String command,
        Document query,
        DatabaseResolver resolver,
        Oplog oplog) {
      LeadingMatch leading = "aggregate".equals(command) ? leadingMatch(query) : null;
      if (leading == null) return super.handleCommand(channel, command, query, resolver, oplog);
      LEADING_MATCH.set(leading);
      try {
        return super.handleCommand(channel, command, query, resolver, oplog);
      } finally {
        LEADING_MATCH.remove();
      }
    }

    /** The pipeline's first stage when it is a {@code $match} on plain fields (no operators). */
    private static LeadingMatch leadingMatch(Document command) {
      if (!(command.get("aggregate") instanceof String collection)) return null;
      if (!(command.get("pipeline") instanceof List<?> pipeline) || pipeline.isEmpty()) return null;
      if (!(pipeline.get(0) instanceof Document stage) || stage.size() != 1) return null;
      if (!(stage.get("$match") instanceof Document match) || match.isEmpty()) return null;
      for (String field : match.keySet()) if (field.startsWith("$")) return null;
      return new LeadingMatch(collection, match);
    }
  }

  private static final class Collection extends MemoryCollection {
    Collection(
        Database database,
        String collectionName,
        CollectionOptions options,
        CursorRegistry cursorRegistry) {
      super(database, collectionName, options, cursorRegistry);
    }

    /**
     * What an aggregation reads: the documents its leading {@code $match} selects, found through an
     * index when one serves it (the stage still runs, and matches them again). Only the first read
     * of the aggregation's own collection: a later stage's lookup reads everything.
     */
    @Override
    public Stream<Document> queryAllAsStream() {
      LeadingMatch leading = LEADING_MATCH.get();
      if (leading == null || !leading.collection().equals(getCollectionName()))
        return super.queryAllAsStream();
      LEADING_MATCH.remove();
      // Wrapped: a selector with a top-level `query` field would otherwise be taken for a wrapper.
      return handleQueryAsStream(new Document("$query", leading.match()));
    }

    /**
     * A filter that gives `_id` one value, or a list of them (`$in`), beside other fields
     * (`{_id, userId}`, an update made only while a field still holds what was read, the lease
     * renewal's `{_id: {$in}, token: {$in}}`) reads those documents alone and matches them
     * against the whole filter, as mongod does through its `_id` index. The library's unique index
     * serves only a filter of exactly its keys, so it read the whole collection for these.
     */
    @Override
    protected QueryResult queryDocuments(
        Document query,
        Document orderBy,
        int skip,
        int limit,
        int batchSize,
        Document fieldSelector) {
      List<Object> ids = query.size() > 1 ? idsNamed(query.get("_id")) : null;
      Index<Integer> primary = ids == null ? null : primaryIndex();
      if (primary == null)
        return super.queryDocuments(query, orderBy, skip, limit, batchSize, fieldSelector);
      // Each document named, once, in the order a scan returns them (by position).
      TreeSet<Integer> positions = new TreeSet<>();
      for (Object id : ids)
        primary.getPositions(new Document("_id", id)).forEach(positions::add);
      return matchDocuments(query, positions, orderBy, skip, limit, batchSize, fieldSelector);
    }

    /** The `_id` values a filter names: one plain value, or `{$in: [plain values]}`; else null. */
    private static List<Object> idsNamed(Object id) {
      if (EqualityIndex.isPlain(id)) return List.of(id);
      if (!(id instanceof Document in) || in.size() != 1) return null;
      if (!(in.get("$in") instanceof java.util.Collection<?> values)) return null;
      List<Object> ids = new ArrayList<>();
      for (Object value : values) {
        if (!EqualityIndex.isPlain(value)) return null;
        ids.add(value);
      }
      return ids;
    }

    /** The library's unique index on `_id` alone. */
    private Index<Integer> primaryIndex() {
      for (Index<Integer> index : getIndexes()) {
        List<IndexKey> keys = index.getKeys();
        if (index.isUnique() && keys.size() == 1 && "_id".equals(keys.get(0).getKey()))
          return index;
      }
      return null;
    }

    /**
     * Built under the collection's lock, as its writes run: the library builds an index without
     * it, so a document written meanwhile could be missing from the index (and its later removal
     * throw, for a non-sparse one).
     */
    @Override
    public synchronized void addIndex(Index<Integer> index) {
      super.addIndex(index);
    }
  }
}
