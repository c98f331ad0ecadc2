/** zod with OpenAPI metadata (`.openapi()`), so one schema serves validation and the OpenAPI document. */
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
