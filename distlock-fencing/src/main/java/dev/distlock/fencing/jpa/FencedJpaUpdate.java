package dev.distlock.fencing.jpa;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import jakarta.persistence.EntityManager;
import jakarta.persistence.criteria.CriteriaBuilder;
import jakarta.persistence.criteria.CriteriaQuery;
import jakarta.persistence.criteria.CriteriaUpdate;
import jakarta.persistence.criteria.Predicate;
import jakarta.persistence.criteria.Root;

import org.jspecify.annotations.Nullable;

import dev.distlock.StaleLockTokenException;
import dev.distlock.fencing.FencingToken;

/** One guarded update, built by {@link FencedJpa#update(Class)}: attribute assignments and equality conditions. */
public final class FencedJpaUpdate<T> {

    private final EntityManager entityManager;
    private final Class<T> entityType;
    private final String fenceAttribute;
    private final Map<String, @Nullable Object> assignments = new LinkedHashMap<>();
    private final Map<String, Object> conditions = new LinkedHashMap<>();
    private @Nullable FencingToken token;

    FencedJpaUpdate(EntityManager entityManager, Class<T> entityType, String fenceAttribute) {
        this.entityManager = entityManager;
        this.entityType = entityType;
        this.fenceAttribute = fenceAttribute;
    }

    /** Sets {@code attribute} to {@code value}. */
    public FencedJpaUpdate<T> set(String attribute, @Nullable Object value) {
        assignments.put(Objects.requireNonNull(attribute, "attribute"), value);
        return this;
    }

    /** Only entities whose {@code attribute} equals {@code value}: the key the lock protects. Conditions are ANDed; one is required. */
    public FencedJpaUpdate<T> where(String attribute, Object value) {
        conditions.put(Objects.requireNonNull(attribute, "attribute"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /** Writes under {@code token} instead of the current thread's lease. */
    public FencedJpaUpdate<T> token(FencingToken token) {
        this.token = token;
        return this;
    }

    /** {@link #token(FencingToken)} for a token passed by hand. */
    public FencedJpaUpdate<T> token(long token) {
        return token(FencingToken.of(token));
    }

    /**
     * Sends the update, in the entity manager's current transaction.
     *
     * @return the entities written; 0 when none matches the conditions
     * @throws StaleLockTokenException when entities match but each was written under a newer token
     * @throws dev.distlock.fencing.LeaseRequiredException when no token was given and the thread holds no
     *         lock, or holds one taken with {@code fenced = true} whose lease is no longer valid
     */
    public int execute() {
        if (conditions.isEmpty()) {
            throw new IllegalStateException("A guarded update of " + entityType.getSimpleName()
                    + " needs where(...): the entities the lock protects");
        }
        FencingToken fence = FencingToken.orCurrent(token);
        CriteriaBuilder criteria = entityManager.getCriteriaBuilder();
        CriteriaUpdate<T> update = criteria.createCriteriaUpdate(entityType);
        Root<T> root = update.from(entityType);
        assignments.forEach((attribute, value) -> update.set(root.get(attribute), value));
        update.set(root.<Long>get(fenceAttribute), fence.value());
        List<Predicate> where = conditions(criteria, root);
        where.add(criteria.le(root.<Long>get(fenceAttribute), fence.value()));
        update.where(where.toArray(Predicate[]::new));
        int written = entityManager.createQuery(update).executeUpdate();
        if (written == 0) {
            rejectIfNewer(criteria, fence);
        }
        return written;
    }

    /** Nothing written: either no entity matches, or each that does carries a newer token. */
    private void rejectIfNewer(CriteriaBuilder criteria, FencingToken fence) {
        CriteriaQuery<Long> query = criteria.createQuery(Long.class);
        Root<T> root = query.from(entityType);
        query.select(criteria.max(root.<Long>get(fenceAttribute))).where(conditions(criteria, root).toArray(Predicate[]::new));
        Long newest = entityManager.createQuery(query).getSingleResult();
        if (newest != null && newest > fence.value()) {
            throw new StaleLockTokenException(entityType.getSimpleName() + " WHERE " + conditions, fence.value(), newest,
                    fence.lockKey());
        }
    }

    private List<Predicate> conditions(CriteriaBuilder criteria, Root<T> root) {
        List<Predicate> predicates = new ArrayList<>();
        conditions.forEach((attribute, value) -> predicates.add(criteria.equal(root.get(attribute), value)));
        return predicates;
    }
}
