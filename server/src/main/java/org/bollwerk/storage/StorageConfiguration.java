package org.bollwerk.storage;

import org.bollwerk.config.BollwerkProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import javax.sql.DataSource;

/** Wires the data sources, migrates the schema, and exposes {@link Db} and {@link StreamNotifier}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {
    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean(destroyMethod = "close")
    DataSources dataSources(BollwerkProperties props) {
        DataSources sources = DataSources.create(props);
        Migrations.apply(sources.writer(), sources.dialect());
        log.info("Database ready: {} ({})", sources.dialect(),
                sources.dialect() == Dialect.SQLITE ? props.dataDir().toAbsolutePath() : "external");
        return sources;
    }

    @Bean
    @Primary
    DataSource dataSource(DataSources sources) {
        return sources.writer();
    }

    @Bean
    PlatformTransactionManager transactionManager(DataSources sources) {
        return new DataSourceTransactionManager(sources.writer());
    }

    @Bean
    StreamNotifier streamNotifier(DataSources sources) {
        StreamNotifier notifier = new StreamNotifier();
        JdbcClient reader = JdbcClient.create(sources.reader());
        notifier.advance(StreamPositions.readCommitted(reader), java.util.List.of());
        notifier.setCommittedSource(() -> StreamPositions.readCommitted(reader));
        return notifier;
    }

    @Bean
    Db db(DataSources sources, PlatformTransactionManager transactionManager, StreamNotifier notifier) {
        return new Db(sources.dialect(), JdbcClient.create(sources.writer()), JdbcClient.create(sources.reader()),
                new TransactionTemplate(transactionManager), new StreamPositions(notifier));
    }
}
