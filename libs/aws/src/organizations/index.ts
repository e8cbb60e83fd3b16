export * from './organizations.discovery';
