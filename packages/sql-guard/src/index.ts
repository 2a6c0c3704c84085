export { checkSelectQuery } from './check-select';
