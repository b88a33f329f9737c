package sigmagpt.bench;

import de.bwaldvogel.mongo.MongoCollection;
import de.bwaldvogel.mongo.backend.Index;
import de.bwaldvogel.mongo.backend.IndexKey;
import de.bwaldvogel.mongo.backend.KeyValue;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.bson.ObjectId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A non-unique index for mongo-java-server's memory backend, which keeps only unique ones: it
 * accepts any other index and ignores it, so every filter on a field other than a unique key reads
 * the whole collection, as no real server does. This one maps the value of the index's first
 * field to the positions of the documents holding it (each element, for an array), and serves any
 * filter that gives that field a plain value; the collection then matches the documents found
 * against the whole filter, as mongod does with an index bound on a prefix of its keys. So the
 * database answers a user's or a chat's documents in time that grows with them, not with the
 * collection.
 *
 * <p>Positions are kept in ascending order, the order a full scan returns documents in.
 */
final class EqualityIndex extends Index<Integer> {
  private final String field;
  private final Map<KeyValue, TreeSet<Integer>> positionsByValue = new HashMap<>();
  private final Map<KeyValue, Integer> positionById = new HashMap<>();

  EqualityIndex(String name, List<IndexKey> keys, boolean sparse) {
    super(name, keys, sparse);
    this.field = keys.get(0).getKey();
  }

  /** Whether the index's first key is a top-level field this index can serve (no path, no $). */
  static boolean canServe(List<IndexKey> keys) {
    String first = keys.get(0).getKey();
    return !first.contains(".") && !first.startsWith("$");
  }

  private static KeyValue key(Object value) {
    return new KeyValue(value).normalized();
  }

  /** A value a filter compares by plain equality (no operator document, pattern, array or null). */
  static boolean isPlain(Object value) {
    return value instanceof String
        || value instanceof Number
        || value instanceof Boolean
        || value instanceof ObjectId
        || value instanceof Instant
        || value instanceof Date
        || value instanceof UUID;
  }

  /** The keys the document is found under: its field's value, or each element of an array. */
  private List<KeyValue> keysOf(Document document) {
    Object value = document.get(field);
    if (value == null) return Collections.emptyList();
    List<KeyValue> keys = new ArrayList<>();
    if (value instanceof Collection<?> elements) {
      for (Object element : elements) if (element != null) keys.add(key(element));
    } else {
      keys.add(key(value));
    }
    return keys;
  }

  private void addKeys(Document document, Integer position) {
    for (KeyValue value : keysOf(document))
      positionsByValue.computeIfAbsent(value, v -> new TreeSet<>()).add(position);
  }

  private void removeKeys(Document document, Integer position) {
    for (KeyValue value : keysOf(document)) {
      TreeSet<Integer> positions = positionsByValue.get(value);
      if (positions == null) continue;
      positions.remove(position);
      if (positions.isEmpty()) positionsByValue.remove(value);
    }
  }

  @Override
  public synchronized Integer getPosition(Document document) {
    return positionById.get(key(document.get("_id")));
  }

  @Override
  public void checkAdd(Document document, MongoCollection<Integer> collection) {
    // Not unique: any document may be added.
  }

  @Override
  public synchronized void add(
      Document document, Integer position, MongoCollection<Integer> collection) {
    positionById.put(key(document.get("_id")), position);
    addKeys(document, position);
  }

  @Override
  public synchronized Integer remove(Document document) {
    Integer position = positionById.remove(key(document.get("_id")));
    if (position != null) removeKeys(document, position);
    return position;
  }

  @Override
  public synchronized boolean canHandle(Document query) {
    return isPlain(query.get(field));
  }

  @Override
  public synchronized Iterable<Integer> getPositions(Document query) {
    TreeSet<Integer> positions = positionsByValue.get(key(query.get(field)));
    // A copy: the caller reads it lazily, possibly while the collection changes.
    return positions == null ? Collections.emptyList() : new ArrayList<>(positions);
  }

  @Override
  public synchronized long getCount() {
    return positionById.size();
  }

  @Override
  public long getDataSize() {
    return 0;
  }

  @Override
  public void checkUpdate(
      Document oldDocument, Document newDocument, MongoCollection<Integer> collection) {
    // Not unique: any update may be applied.
  }

  @Override
  public synchronized void updateInPlace(
      Document oldDocument,
      Document newDocument,
      Integer position,
      MongoCollection<Integer> collection) {
    removeKeys(oldDocument, position);
    addKeys(newDocument, position);
  }

  @Override
  public synchronized void drop() {
    positionsByValue.clear();
    positionById.clear();
  }
}
