// A Context worker on the ESM build (dist/shared.mjs).
import { serve } from '../../../dist/shared.mjs';
import jobs from './jobs-table.cjs';
serve(jobs);
