package dev.distlock.autoconfigure.aot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.BeanRegistrationAotContribution;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.beans.factory.support.RegisteredBean;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.javapoet.ClassName;

import dev.distlock.DistributedLock;

class LockedMethodsAotProcessorTest {

    record Order(String id, Customer customer) {
    }

    record Customer(String region) {
    }

    record Report(String title) {
    }

    interface Payments {

        @DistributedLock(key = "#order.id")
        void pay(Order order, int attempt);
    }

    static class PaymentService implements Payments {

        @Override
        public void pay(Order order, int attempt) {
        }

        @DistributedLock
        public void nightly(Report report) {
        }
    }

    static class PlainService {

        public void run(Report report) {
        }
    }

    @Test
    void theKeyParameterTypesOfLockedMethodsAreReadableByReflectionInANativeImage() {
        RuntimeHints hints = contributeFor(PaymentService.class);

        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Order.class, "id")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Customer.class, "region"))
                .as("a key may walk further: #order.customer.region").accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Report.class))
                .as("a method locked without a key reads no parameter").rejects(hints);
    }

    @Test
    void aBeanWithoutLockedMethodsContributesNothing() {
        assertThat(processorFor(PlainService.class)).isNull();
    }

    private static RuntimeHints contributeFor(Class<?> beanClass) {
        BeanRegistrationAotContribution contribution = processorFor(beanClass);
        assertThat(contribution).isNotNull();
        DefaultGenerationContext generation = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get("com.example", "Test")), new InMemoryGeneratedFiles());
        contribution.applyTo(generation, null);
        return generation.getRuntimeHints();
    }

    private static BeanRegistrationAotContribution processorFor(Class<?> beanClass) {
        DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
        beanFactory.registerBeanDefinition("bean", new RootBeanDefinition(beanClass));
        return new LockedMethodsAotProcessor().processAheadOfTime(RegisteredBean.of(beanFactory, "bean"));
    }
}
