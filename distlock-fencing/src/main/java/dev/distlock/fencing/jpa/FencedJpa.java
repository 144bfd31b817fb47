package dev.distlock.fencing.jpa;

import jakarta.persistence.EntityManager;

/**
 * Guarded JPA updates: a bulk {@code CriteriaUpdate} that writes only the entities whose fence
 * attribute is not newer than the writer's token and sets it to the token, in one statement; when it
 * wrote nothing but entities match, they carry a newer token and
 * {@link dev.distlock.StaleLockTokenException} is raised.
 *
 * <pre>{@code
 * @DistributedLock(key = "#orderId")
 * @Transactional
 * public void ship(String orderId) {
 *     fencedJpa.update(Shipment.class).set("status", "SHIPPED").where("orderId", orderId).execute();
 * }
 * }</pre>
 *
 * <p>Standard JPA only, so it works the same on every Hibernate (and any provider); there is no
 * hook into the provider's own entity updates, which differ from version to version. Like every
 * bulk update it needs a transaction and bypasses the persistence context: entities of the same
 * rows already loaded keep their old state until refreshed (docs/fencing.md has the recipe for
 * code that changes managed entities instead).
 */
public final class FencedJpa {

    /** The fence attribute unless {@link #withFenceAttribute(String)} names another. */
    public static final String DEFAULT_FENCE_ATTRIBUTE = "fenceToken";

    private final EntityManager entityManager;
    private final String fenceAttribute;

    private FencedJpa(EntityManager entityManager, String fenceAttribute) {
        this.entityManager = entityManager;
        this.fenceAttribute = fenceAttribute;
    }

    /** On {@code entityManager}; in Spring, the shared one that joins the current transaction. */
    public FencedJpa(EntityManager entityManager) {
        this(entityManager, DEFAULT_FENCE_ATTRIBUTE);
    }

    /** The same helper with the token in the entity attribute {@code attribute} (a {@code long} or {@code Long}). */
    public FencedJpa withFenceAttribute(String attribute) {
        return new FencedJpa(entityManager, attribute);
    }

    /** Starts a guarded update of the entities of {@code entityType}; nothing is sent before {@link FencedJpaUpdate#execute()}. */
    public <T> FencedJpaUpdate<T> update(Class<T> entityType) {
        return new FencedJpaUpdate<>(entityManager, entityType, fenceAttribute);
    }
}
